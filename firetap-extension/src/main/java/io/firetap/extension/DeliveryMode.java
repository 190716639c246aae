package io.firetap.extension;

import io.firetap.core.config.Settings;
import io.firetap.extension.internal.AdaptiveBarrier;
import io.firetap.extension.internal.DeliverBeforeNext;
import io.firetap.extension.internal.InvocationBarrier;

/** Which {@link InvocationBarrier} the extension runs, from {@value #VARIABLE}. */
public enum DeliveryMode {
    /** {@link AdaptiveBarrier}: strict after sparse invocations, no hold under steady traffic. The default. */
    ADAPTIVE,
    /** {@link DeliverBeforeNext}: every invocation's lines delivered before its {@code /next}. */
    STRICT;

    public static final String VARIABLE = "FIRETAP_DELIVERY";

    /** The mode {@code settings} name: {@code adaptive} (the default) or {@code strict}. */
    public static DeliveryMode from(Settings settings) {
        return settings.choice(VARIABLE, ADAPTIVE, DeliveryMode.class);
    }
}
