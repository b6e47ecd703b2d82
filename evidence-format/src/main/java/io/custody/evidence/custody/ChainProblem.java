package io.custody.evidence.custody;

/**
 * Something wrong with a custody chain.
 *
 * @param path the entry file, e.g. {@code custody/000007.json}
 * @param torn true when the only problem is a partly written last entry (a crash while appending)
 */
public record ChainProblem(String path, String detail, boolean torn) {}
