/**
 * {@code jmoe serve}: an OpenAI-compatible HTTP server over the engine.
 *
 * <ul>
 *   <li>HTTP: the JDK's built-in {@code com.sun.net.httpserver} (real HTTP/1.1, chunked SSE, no dependency) on a
 *       bounded pool of platform threads ({@link dev.jmoe.host.server.OpenAiServer}); JSON through Jackson. A
 *       server library would add little here: a handful of slots, one blocking thread per exchange, and the
 *       engine, not the HTTP layer, is the bottleneck.</li>
 *   <li>Requests: {@link dev.jmoe.host.server.Endpoints} routes; {@link dev.jmoe.host.server.CompletionRequestParser}
 *       turns a body into a validated request or a 400 naming the field; {@link dev.jmoe.host.server.ApiError}
 *       carries every client-facing error to one place that writes it.</li>
 *   <li>Slots: {@link dev.jmoe.host.server.SlotPool} hands out one session per request (longest cached prefix
 *       first) and bounds the queue; {@link dev.jmoe.host.server.Generator} runs prompt and decode through the
 *       {@link dev.jmoe.host.server.DecodeScheduler}.</li>
 *   <li>Continuous batching: {@link dev.jmoe.host.server.BatchingScheduler} owns the engine on one thread. Each
 *       slot's thread hands in its next token and waits; per round the scheduler runs every queued decode token
 *       as one {@link dev.jmoe.host.engine.Engine#decode} pass (the weight products over all of them, attention
 *       per slot on its own KV cache), then one queued prompt chunk. A round waits for the slots still generating
 *       at most half a pass, so a slow client costs the others little. Each slot gets the logits it would get
 *       alone, bit for bit while fewer than 16 slots share a pass (then within rounding: the tile products). {@code -nocb} selects {@link dev.jmoe.host.server.DecodeScheduler.Serial}.</li>
 *   <li>GPU seams: {@link dev.jmoe.host.server.Accelerator} supplies placement, pin mode, the PCIe meter's metrics
 *       and the pin switch; without a GPU it is {@code Accelerator.none}.</li>
 * </ul>
 */
package dev.jmoe.host.server;
