/**
 * Internal, not for public use: the parts {@link io.firetap.extension.FiretapExtension} assembles
 * (the barriers and end-of-output markers, the socket receiver, the Telemetry listener, the
 * Extensions API's HTTP connection, the intake's line assembly). May change in any release.
 */
package io.firetap.extension.internal;
