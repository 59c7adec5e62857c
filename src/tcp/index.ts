export { ConnectionTable, type TcpOptions, type TcpStats } from './connection-table.js';
export { roleFromPayload, serverByPorts, isServerPort, type PayloadRole } from './role-detection.js';
export * from './stream-types.js';
