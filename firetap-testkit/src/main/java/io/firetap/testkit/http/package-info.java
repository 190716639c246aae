/**
 * An HTTP and Splunk HEC log receiver on loopback, with the testkit's faults:
 * {@link io.firetap.testkit.http.HttpReceiver}.
 */
package io.firetap.testkit.http;
