package io.firetap.testkit.aws.internal;

import java.util.Map;

/**
 * One service operation, e.g. {@code PutRecordBatch}: reads and checks a request before anything takes effect.
 *
 * <p>Internal, not for public use.
 */
public interface Operation {

    /**
     * Validates the request the way the service does and resolves its stream.
     *
     * @throws ServiceError the service's answer to an invalid call, already recorded as a violation
     */
    PreparedCall prepare(Map<String, Object> request, WireFormat format);
}
