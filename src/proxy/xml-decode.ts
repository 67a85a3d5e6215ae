/**
 * The `xml` backend decoder (spec §2.1, krakend-xml on mxj): the root element is the top-level
 * key, attributes become `-name` keys, an element with attributes keeps its text under `#text`,
 * repeated elements become lists, and every value is a string (no type guessing).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { DecodeError } from './decode-error.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '-',
  textNodeName: '#text',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  processEntities: true,
});

/** Decodes an XML body into an object; `isCollection` wraps it as `{"collection": …}`. */
export function decodeXml(body: Buffer, isCollection: boolean): Record<string, unknown> {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new DecodeError('EOF');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new DecodeError(`xml: ${valid.err.msg} (line ${valid.err.line})`);
  const value = parser.parse(text) as Record<string, unknown>;
  return isCollection ? { collection: value } : value;
}
