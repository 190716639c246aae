package io.firetap.aws.internal;

import java.util.Optional;
import software.amazon.awssdk.core.ClientType;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Sends a request body that the sink encoded itself instead of the one the SDK marshalled, for
 * the calls that carry one in {@link #BODY}; every other call passes through untouched.
 *
 * <p>Why: the SDK's JSON marshaller writes blobs with a byte-at-a-time base64 encoder into a
 * growing buffer, which was the largest single cost of shipping through Firehose (a third of the
 * worker's CPU per byte). A sink that already holds the records as byte arrays can write the
 * same JSON document in one exactly sized array with the JDK's vectorised {@link java.util.Base64}.
 * The SDK still builds, signs (the signature covers this body), sends the request and parses the
 * answer; the operation's request object is marshalled with an empty payload list that this body
 * replaces, and the {@code Content-Length} follows the new body.
 *
 * <p>Both transports: a synchronous client (URLConnection) sends and signs the sync body, an
 * asynchronous one (netty) the async body; each gets the same array, neither copies it, and a
 * sync call never loads the async body's classes.
 *
 * <p>Safe because the replacement is an equivalent document for the same operation, built from
 * the same records; the SDK's own retries are off (see {@link AwsClients#overrides}), and the body
 * is a fixed array that can be read any number of times anyway.
 */
public final class PreparedBody implements ExecutionInterceptor {
    /** The complete request body, set per call through the request's override configuration. */
    public static final ExecutionAttribute<byte[]> BODY = new ExecutionAttribute<>("firetap.PreparedBody");

    @Override
    public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        byte[] body = attributes.getAttribute(BODY);
        if (body == null) {
            return context.httpRequest();
        }
        return context.httpRequest().toBuilder()
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
    }

    @Override
    public Optional<RequestBody> modifyHttpContent(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
        byte[] body = attributes.getAttribute(BODY);
        if (body == null || attributes.getAttribute(SdkExecutionAttribute.CLIENT_TYPE) != ClientType.SYNC) {
            return context.requestBody();
        }
        // the content type is the request's own header, which the SDK set while marshalling
        return Optional.of(RequestBody.fromContentProvider(ContentStreamProvider.fromByteArrayUnsafe(body), body.length,
                "application/octet-stream"));
    }

    @Override
    public Optional<AsyncRequestBody> modifyAsyncHttpContent(Context.ModifyHttpRequest context,
            ExecutionAttributes attributes) {
        byte[] body = attributes.getAttribute(BODY);
        if (body == null || attributes.getAttribute(SdkExecutionAttribute.CLIENT_TYPE) == ClientType.SYNC) {
            return context.asyncRequestBody();
        }
        return Optional.of(AsyncRequestBody.fromBytesUnsafe(body));
    }
}
