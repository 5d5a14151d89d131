package dev.jmoe.host.tokenizer;

import java.util.Arrays;

/** A growable list of ints, so token ids are not boxed while a text is encoded. */
final class IntList {
    private int[] items = new int[16];
    private int size;

    void add(int v) {
        if (size == items.length) items = Arrays.copyOf(items, size * 2);
        items[size++] = v;
    }

    void addAll(int[] vs) {
        for (int v : vs) add(v);
    }

    int size() {
        return size;
    }

    int[] toArray() {
        return Arrays.copyOf(items, size);
    }
}
