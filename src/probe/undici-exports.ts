// What the probe uses of undici, as an ES module of its own: loaded through
// import() (see undici.ts), it becomes a chunk of the bundle with these names
// as real exports, where a chunk of CommonJS undici itself would only have a
// default export.
export { Client, buildConnector } from 'undici';
