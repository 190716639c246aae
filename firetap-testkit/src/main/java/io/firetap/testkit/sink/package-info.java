/**
 * The behaviour every firetap sink must show, as an abstract JUnit 5 test a sink module extends:
 * {@link io.firetap.testkit.sink.SinkCompatibilityKit}.
 */
package io.firetap.testkit.sink;
