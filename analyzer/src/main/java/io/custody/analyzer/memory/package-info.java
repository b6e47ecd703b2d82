/**
 * {@code custody analyze memory}: the LiME range table, kernel banners, process- and network-looking
 * strings and YARA matches of a memory item, offsets mapped to physical addresses.
 */
package io.custody.analyzer.memory;
