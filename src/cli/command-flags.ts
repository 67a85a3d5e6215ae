/**
 * The flags of `koaxy proxy` and `koaxy controller`, apart from the commands themselves, so that
 * `koaxy help` can list them without loading the Kubernetes client or the data plane.
 */
import { type FlagSpec, flagHelp, servingFlags } from './flags.ts';

/** Flags of `koaxy proxy`. */
export const proxyFlags = {
  'state-dir': { type: 'string', help: 'shared directory holding route-table.json (read) and served.json (written)' },
  ...servingFlags,
} as const satisfies Record<string, FlagSpec>;

/** Help lines of `koaxy proxy`. */
export const proxyHelp = flagHelp(proxyFlags);

/** Flags of `koaxy controller`. */
export const controllerFlags = {
  'state-dir': { type: 'string', help: 'shared directory: route-table.json (written) and served.json (read)' },
  'status-port': { type: 'string', default: '9902', help: 'status port: /healthz /readyz /metrics' },
  bind: { type: 'string', default: '0.0.0.0', help: 'address of the status port' },
  'gateway-name': { type: 'string', default: 'default', help: 'serve GatewayEndpoints whose spec.gateway is this' },
  namespace: { type: 'string', multiple: true, help: 'watch only this namespace (repeatable; default all)' },
  'allowed-backends': { type: 'string', multiple: true, help: 'backend origin glob, e.g. http://*.shop.svc.cluster.local:* (repeatable)' },
  'leader-elect': { type: 'boolean', default: false, help: 'write status only while holding the Lease' },
  'lease-namespace': { type: 'string', help: 'namespace of the Lease (default: POD_NAMESPACE, else "default")' },
  'lease-duration': { type: 'string', default: '15', help: 'Lease duration in seconds' },
  'log-level': { type: 'string', default: 'info', help: 'fatal | error | warn | info | debug' },
} as const satisfies Record<string, FlagSpec>;

/** Help lines of `koaxy controller`. */
export const controllerHelp = flagHelp(controllerFlags);
