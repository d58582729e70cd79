export { runCli, describeError, hostOf, DEFAULT_INGEST, type CliIo } from './cli.js';
export { createRoomsClient, type RoomsClient } from './rooms-client.js';
export { formatRoom, formatRoomList, keyView, roomView, type KeyView, type RoomView } from './format.js';
