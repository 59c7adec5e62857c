export { readCapture, type ReadOptions } from './read-capture.js';
export { CaptureParser, type CaptureParserOptions } from './capture-parser.js';
export { describeMagic } from './describe-magic.js';
export { TimestampScale } from './timestamp-scale.js';
export {
  CaptureError,
  type CaptureFormat,
  type CaptureInput,
  type CaptureSummary,
  type CapturedPacket,
  type PacketHandler,
} from './packet.js';
