export type * from './route-table.ts';
