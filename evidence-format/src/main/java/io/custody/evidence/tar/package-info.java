/** A strict, bounded, never-extracting reader of tar streams, for archives that are hostile input. */
package io.custody.evidence.tar;
