/** The VDO.Ninja wire protocol, pure (spec §2–§4): the public API of `src/protocol/`. */
export { DecryptError, ProtocolInputError } from "./errors.ts";
export { MAX_ROOM_CHARS, MAX_STREAM_ID_CHARS, normalizePassword, sanitizeRoom, sanitizeStreamId } from "./sanitize.ts";
export { baseStreamId, generateHash, roomId, STREAM_HASH_CHARS, streamHashSuffix, WIRE_BASE_CHARS, wireStreamId } from "./hash.ts";
export { decryptField, deriveKey, encryptField, type EncryptedField, type PayloadKey } from "./crypto.ts";
export { isObject, LIMITS, parseJsonFrame, type Json, type Parsed } from "./fields.ts";
export {
  parsePeerMessage,
  type IceCandidate, type IceDirection, type PeerFields, type PeerKind, type PeerMessage, type PeerParseOptions, type SdpType, type Sealed,
  type SessionDescription,
} from "./peerMessages.ts";
export { decodePeerPayload, type DecodedPeerMessage } from "./payload.ts";
export { parseServerMessage, parseSocketMessage, type RoomMember, type ServerMessage, type SocketMessage } from "./serverMessages.ts";
export { parseClientRequest, type ClientRequest } from "./clientRequests.ts";
export {
  byeMessage, iceMessage, joinRoomMessage, keyframeRequestMessage, pingMessage, playMessage, pongMessage, sdpMessage, seedMessage,
  settingsMessage, type IceMessageArgs, type SdpMessageArgs, type SettingsArgs,
} from "./builders.ts";
export { FANOUT_ID_ALPHABET, fromWire, newFanoutId, toWire, type DialectContext } from "./dialect.ts";
