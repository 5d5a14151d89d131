package dev.jmoe.host.gguf;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model as one set of tensors, whether it is one GGUF file or split into parts named
 * {@code NAME-00001-of-00003.gguf}. Opening any part opens them all, starting with the first; the
 * metadata is the first part's, and each tensor knows the file holding its data.
 */
public final class GgufModel {
    static final String SPLIT_NO = "split.no";
    static final String SPLIT_COUNT = "split.count";
    static final String SPLIT_TENSORS_COUNT = "split.tensors.count";
    private static final Pattern SPLIT_NAME = Pattern.compile("(.*)-(\\d{5})-of-(\\d{5})\\.gguf");

    private final List<GgufFile> parts;
    private final Map<String, GgufTensorInfo> tensors;
    private final List<GgufTensorInfo> tensorList;

    private GgufModel(List<GgufFile> parts, Map<String, GgufTensorInfo> tensors) {
        this.parts = List.copyOf(parts);
        this.tensors = Collections.unmodifiableMap(tensors);
        this.tensorList = List.copyOf(tensors.values());
    }

    /** Opens a model file, or all parts of a split model given any of its parts. */
    public static GgufModel open(Path path) {
        Matcher m = SPLIT_NAME.matcher(path.getFileName().toString());
        if (!m.matches()) return single(GgufFile.read(path));
        int count = Integer.parseInt(m.group(3));
        List<GgufFile> parts = new ArrayList<>(count);
        for (int no = 1; no <= count; no++) {
            Path part = path.resolveSibling(partName(m.group(1), no, count));
            if (!Files.exists(part)) {
                throw new GgufFormatException(part, "missing part " + no + " of " + count + " of split model " + m.group(1));
            }
            parts.add(checkedPart(GgufFile.read(part), no, count));
        }
        return assemble(parts);
    }

    /** The file name of part {@code no} (1-based) of {@code count}. */
    static String partName(String prefix, int no, int count) {
        return String.format("%s-%05d-of-%05d.gguf", prefix, no, count);
    }

    private static GgufModel single(GgufFile file) {
        long count = file.metadata().getLong(SPLIT_COUNT, 1);
        if (count > 1) {
            throw new GgufFormatException(file.path(), file.metadata().offsetOf(SPLIT_COUNT), SPLIT_COUNT + " is " + count
                    + " but the file name does not follow NAME-00001-of-" + String.format("%05d", count) + ".gguf, so its parts cannot be found");
        }
        return assemble(List.of(file));
    }

    private static GgufFile checkedPart(GgufFile part, int no, int count) {
        GgufMetadata md = part.metadata();
        if (!md.contains(SPLIT_COUNT)) {
            if (count == 1) return part;
            throw new GgufFormatException(part.path(), "part " + no + " of " + count + " has no " + SPLIT_COUNT + " metadata");
        }
        if (md.getLong(SPLIT_COUNT) != count) {
            throw new GgufFormatException(part.path(), md.offsetOf(SPLIT_COUNT), SPLIT_COUNT + " is " + md.getLong(SPLIT_COUNT)
                    + " but the file name says " + count + " parts");
        }
        if (md.getLong(SPLIT_NO, -1) != no - 1) {
            throw new GgufFormatException(part.path(), md.offsetOf(SPLIT_NO), SPLIT_NO + " is " + md.getLong(SPLIT_NO, -1)
                    + " but the file name says part " + no + " (split.no counts from 0)");
        }
        return part;
    }

    private static GgufModel assemble(List<GgufFile> parts) {
        Map<String, GgufTensorInfo> byName = new LinkedHashMap<>();
        for (GgufFile part : parts) {
            for (GgufTensorInfo t : part.tensors()) {
                GgufTensorInfo earlier = byName.putIfAbsent(t.name(), t);
                if (earlier != null) {
                    throw new GgufFormatException(part.path(), "tensor '" + t.name() + "' is also in " + earlier.file());
                }
            }
        }
        GgufFile first = parts.getFirst();
        if (parts.size() > 1 && first.metadata().contains(SPLIT_TENSORS_COUNT)
                && first.metadata().getLong(SPLIT_TENSORS_COUNT) != byName.size()) {
            throw new GgufFormatException(first.path(), first.metadata().offsetOf(SPLIT_TENSORS_COUNT), SPLIT_TENSORS_COUNT + " is "
                    + first.metadata().getLong(SPLIT_TENSORS_COUNT) + " but the " + parts.size() + " parts hold " + byName.size() + " tensors");
        }
        return new GgufModel(parts, byName);
    }

    /** The parts in order (one for an unsplit model). */
    public List<GgufFile> parts() {
        return parts;
    }

    /** The first part: its path names the model. */
    public Path path() {
        return parts.getFirst().path();
    }

    public int version() {
        return parts.getFirst().version();
    }

    /** The metadata of the first part (which holds the model's metadata). */
    public GgufMetadata metadata() {
        return parts.getFirst().metadata();
    }

    /** All tensors, in part and file order. */
    public List<GgufTensorInfo> tensors() {
        return tensorList;
    }

    public Optional<GgufTensorInfo> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    /** The tensor called {@code name}; a missing tensor is an error naming the model. */
    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = tensors.get(name);
        if (t == null) throw new GgufFormatException(path(), "no tensor '" + name + "'");
        return t;
    }
}
