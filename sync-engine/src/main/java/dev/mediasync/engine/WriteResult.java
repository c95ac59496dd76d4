package dev.mediasync.engine;

import dev.mediasync.protocol.ServerMessage.SyncOp;

/**
 * The outcome of one durable write.
 *
 * @param op the op as stored and broadcast
 * @param opId the client's op id, or null
 * @param applied false if the op changed nothing (a later write already won, or a remove found
 *     nothing to remove)
 * @param duplicate true if this answers a retry of an op id already applied
 */
public record WriteResult(SyncOp op, String opId, boolean applied, boolean duplicate) {
  WriteResult asDuplicate() {
    return new WriteResult(op, opId, applied, true);
  }
}
