/**
 * Internal, not for public use: what the extension runs for the sh wrapper — the Runtime API proxy,
 * the stdout intake (a FIFO) and the file that tells the wrapper where they are — and the HTTP/1.1
 * codec the proxy and the Extensions API client share. May change in any release.
 */
package io.firetap.wrapper.internal;
