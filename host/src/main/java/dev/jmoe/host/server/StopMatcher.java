package dev.jmoe.host.server;

import java.util.List;

/**
 * Finds stop strings in generated text that arrives in pieces (a stop string may span tokens). Text that
 * could still be the start of a stop string is held back, so neither a stop string nor a part of one is
 * ever emitted; once a stop string is found, everything from it on is dropped.
 */
final class StopMatcher {
    /** What to emit now, and whether a stop string ended the text. */
    record Step(String text, boolean stopped) {}

    private final List<String> stops;
    private final StringBuilder held = new StringBuilder();
    private boolean stopped;

    StopMatcher(List<String> stops) {
        this.stops = List.copyOf(stops);
    }

    Step push(String piece) {
        if (stopped) return new Step("", true);
        held.append(piece);
        int at = firstStop();
        if (at >= 0) {
            stopped = true;
            String out = held.substring(0, at);
            held.setLength(0);
            return new Step(out, true);
        }
        int keep = longestOpenSuffix();
        String out = held.substring(0, held.length() - keep);
        held.delete(0, held.length() - keep);
        return new Step(out, false);
    }

    /** The held text at the end of the generation: no stop string can complete any more. */
    String flush() {
        if (stopped) return "";
        String out = held.toString();
        held.setLength(0);
        return out;
    }

    private int firstStop() {
        int first = -1;
        for (String s : stops) {
            int i = held.indexOf(s);
            if (i >= 0 && (first < 0 || i < first)) first = i;
        }
        return first;
    }

    /** The length of the longest suffix of the held text that is a proper prefix of a stop string. */
    private int longestOpenSuffix() {
        String h = held.toString();
        int best = 0;
        for (String s : stops) {
            for (int len = Math.min(s.length() - 1, h.length()); len > best; len--) {
                if (h.regionMatches(h.length() - len, s, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }
}
