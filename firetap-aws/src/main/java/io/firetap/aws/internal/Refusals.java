package io.firetap.aws.internal;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.firetap.core.sink.EntryFailure;
import io.firetap.core.sink.SendResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/**
 * How an AWS sink turns failures into {@link SendResult}s: a whole call that failed (retryable for
 * throttling, 5xx and network trouble) and single entries a partial failure names (retryable when
 * their error code is in the sink's set). A final refusal is logged once per error code, with what
 * to check; the pipeline counts the lines.
 */
public final class Refusals {
    private final Logger log;
    private final String refused;
    private final String hint;
    private final Set<String> retryableEntryErrors;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /**
     * @param refused              what was refused, e.g. {@code Firehose refused records for delivery stream 'logs'}
     * @param hint                 what the user should check
     * @param retryableEntryErrors per-entry error codes worth retrying
     */
    public Refusals(Logger log, String refused, String hint, Set<String> retryableEntryErrors) {
        this.log = log;
        this.refused = refused;
        this.hint = hint;
        this.retryableEntryErrors = Set.copyOf(retryableEntryErrors);
    }

    /** Every entry of a call of {@code size} failed with {@code error}. */
    public SendResult wholeCall(int size, Throwable error) {
        boolean retryable = AwsClients.retryable(error);
        String code = AwsClients.errorCode(error);
        String message = AwsClients.describe(error);
        if (!retryable) {
            reportOnce(code, message);
        }
        return SendResult.failedAll(size, retryable, code, message);
    }

    /** Entry {@code index} of a call failed with {@code code}. */
    public EntryFailure entry(int index, String code, String message) {
        boolean retryable = retryableEntryErrors.contains(code);
        if (!retryable) {
            reportOnce(code, message);
        }
        return new EntryFailure(index, retryable, code, message);
    }

    /**
     * The result of an {@link AwsJsonCall} whose answer counts its failed entries in the member
     * {@code failedCount} and lists one result per request entry, in order, in {@code results}; an
     * entry failed when its result has an {@code ErrorCode}.
     */
    public SendResult entries(JsonObject answer, String failedCount, String results) {
        JsonElement count = answer.get(failedCount);
        if (count == null || count.isJsonNull() || count.getAsInt() == 0) {
            return SendResult.success();
        }
        List<EntryFailure> failures = new ArrayList<>(count.getAsInt());
        JsonElement list = answer.get(results);
        JsonArray entries = list != null && list.isJsonArray() ? list.getAsJsonArray() : new JsonArray();
        for (int i = 0; i < entries.size(); i++) {
            JsonObject entry = entries.get(i).isJsonObject() ? entries.get(i).getAsJsonObject() : null;
            String code = entry == null ? null : AwsJsonCall.string(entry, "ErrorCode");
            if (code != null) {
                failures.add(entry(i, code, AwsJsonCall.string(entry, "ErrorMessage")));
            }
        }
        return SendResult.partial(failures);
    }

    private void reportOnce(String code, String message) {
        if (reported.add(code)) {
            log.error("{}: {}: {} — not retried (the lines are counted as lost); {}", refused, code, message, hint);
        }
    }
}
