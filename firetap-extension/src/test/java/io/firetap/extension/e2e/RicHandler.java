package io.firetap.extension.e2e;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.Map;

/** A Java handler as AWS's own runtime interface client runs it: it logs through stdout and the Lambda logger. */
public final class RicHandler implements RequestHandler<Map<String, Object>, String> {
    static final int LINES = 30;

    @Override
    public String handleRequest(Map<String, Object> event, Context context) {
        for (int i = 1; i <= LINES; i++) {
            System.out.println("ric " + context.getAwsRequestId() + " stdout line " + i);
        }
        context.getLogger().log("ric " + context.getAwsRequestId() + " logger line\n");
        return "handled " + event.get("n");
    }
}
