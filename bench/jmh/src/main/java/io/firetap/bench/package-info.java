/** JMH benchmarks of firetap's hot paths. */
package io.firetap.bench;
