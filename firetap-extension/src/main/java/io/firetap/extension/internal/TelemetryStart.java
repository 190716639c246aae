package io.firetap.extension.internal;

import io.firetap.core.pipeline.Intake;
import io.firetap.extension.ExtensionsApiClient;
import io.firetap.extension.TelemetryType;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/** Starts the Telemetry listener and subscribes, on a thread of its own during init. */
public final class TelemetryStart implements Callable<TelemetryStart.Started> {
    public record Started(TelemetryListener listener, boolean subscribed) {
    }

    private final Set<TelemetryType> types;
    private final int port;
    private final Intake intake;
    private final OutputEndMarkers boundaries;
    private final ExtensionsApiClient api;

    public TelemetryStart(Set<TelemetryType> types, int port, Intake intake, OutputEndMarkers boundaries,
            ExtensionsApiClient api) {
        this.types = types;
        this.port = port;
        this.intake = intake;
        this.boundaries = boundaries;
        this.api = api;
    }

    @Override
    public Started call() throws IOException {
        TelemetryListener listener = TelemetryListener.start(types, port, intake, boundaries);
        return new Started(listener, listener.subscribe(api));
    }

    /** The started listener, or the start's own failure as if it had happened on this thread. */
    public static Started await(FutureTask<Started> start) throws IOException {
        try {
            return start.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the Telemetry listener started", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("the Telemetry listener could not start", cause);
        }
    }

    /**
     * After a failed init: waits (boundedly) for the start to finish, so it no longer uses the API
     * client, and returns the listener it may have made, so it can be closed.
     */
    public static TelemetryListener abandon(FutureTask<Started> start) {
        if (start == null) {
            return null;
        }
        try {
            return start.get(3, TimeUnit.SECONDS).listener();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return null;
        }
    }
}
