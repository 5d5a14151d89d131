/**
 * GGUF files: {@link dev.jmoe.host.gguf.GgufReader} parses a header (v2/v3) with buffered reads and
 * checks it against the file's size, {@link dev.jmoe.host.gguf.GgufModel} joins split parts into one
 * model, {@link dev.jmoe.host.gguf.TensorDataSource} maps tensor data, and
 * {@link dev.jmoe.host.gguf.GgufWriter} writes v3 files. Bad input is a
 * {@link dev.jmoe.host.gguf.GgufFormatException} naming the file, the byte offset and the problem.
 */
package dev.jmoe.host.gguf;
