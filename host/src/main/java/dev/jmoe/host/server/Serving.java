package dev.jmoe.host.server;

import dev.jmoe.host.engine.Engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** A loaded model with its slots: what the server needs to answer model requests. */
record Serving(ServedModel model, SlotPool slots, DecodeScheduler scheduler, CompletionHandler completions, int context) {

    static Serving of(ServedModel model, ServerConfig config, ServerMetrics metrics, BooleanSupplier stopping) {
        Engine engine = model.engine();
        List<Slot> slots = new ArrayList<>();
        for (int i = 0; i < config.parallel(); i++) slots.add(new Slot(i, engine.newSession()));
        SlotPool pool = new SlotPool(slots, config.queue());
        int chunk = Math.min(engine.options().batch(), engine.options().ubatch());
        DecodeScheduler scheduler = config.continuousBatching() ? new BatchingScheduler(engine) : new DecodeScheduler.Serial();
        Generator generator = new Generator(model.tokenizer(), scheduler, metrics, chunk, stopping);
        int context = engine.contextSize();
        return new Serving(model, pool, scheduler, new CompletionHandler(model, pool, generator, metrics, context), context);
    }
}
