/**
 * Tokenizers from GGUF vocabularies: {@link dev.jmoe.host.tokenizer.Tokenizer#of} picks byte-level BPE
 * ({@link dev.jmoe.host.tokenizer.BpeTokenizer}, with the word split a
 * {@link dev.jmoe.host.tokenizer.PreTokenizer} names) or SentencePiece
 * ({@link dev.jmoe.host.tokenizer.SpmTokenizer}); {@link dev.jmoe.host.tokenizer.TokenDecoder} turns
 * generated ids back into text one token at a time. Checked against the reference's tokenizer test vectors.
 */
package dev.jmoe.host.tokenizer;
