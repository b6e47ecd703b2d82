package io.custody.evidence.verify;

import io.custody.evidence.tar.TarEntry;

/**
 * An entry of a bundle as its container (a tar or a folder) shows it: its full name (top folder
 * included) and kind.
 */
record RawEntry(String name, TarEntry.Kind kind, long size) {}
