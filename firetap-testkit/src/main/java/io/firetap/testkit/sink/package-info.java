/**
 * Sinks for tests: the behaviour every firetap sink must show, as an abstract JUnit 5 test a sink
 * module extends ({@link io.firetap.testkit.sink.SinkCompatibilityKit}), and a sink that keeps what it
 * is sent for assertions ({@link io.firetap.testkit.sink.InMemorySink}).
 */
package io.firetap.testkit.sink;
