package dev.jmoe.host.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python {@code str} and {@code dict} methods that HF chat templates call but Java lacks
 * ({@code .startswith()}, {@code .lstrip('\n')}, {@code .split('x')} with a literal separator,
 * {@code .items()}). Placed before Jinjava's own resolver; anything it does not know falls through.
 */
final class PythonStringMethods extends ELResolver {

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (base) {
            case String s -> stringMethod(s, String.valueOf(method), args);
            case Map<?, ?> m when "items".equals(method) && args.length == 0 -> items(m);
            case null, default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static final Object NOT_HANDLED = new Object();

    private static Object stringMethod(String s, String name, Object[] args) {
        return switch (name) {
            case "startswith" -> args.length == 1 ? anyMatch(args[0], s::startsWith) : NOT_HANDLED;
            case "endswith" -> args.length == 1 ? anyMatch(args[0], s::endsWith) : NOT_HANDLED;
            case "strip" -> args.length <= 1 ? rstrip(lstrip(s, chars(args)), chars(args)) : NOT_HANDLED;
            case "lstrip" -> args.length <= 1 ? lstrip(s, chars(args)) : NOT_HANDLED;
            case "rstrip" -> args.length <= 1 ? rstrip(s, chars(args)) : NOT_HANDLED;
            case "split" -> args.length <= 1 ? split(s, args.length == 0 ? null : args[0]) : NOT_HANDLED;
            case "upper" -> args.length == 0 ? s.toUpperCase() : NOT_HANDLED;
            case "lower" -> args.length == 0 ? s.toLowerCase() : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    /** Python accepts a single prefix or a tuple of them. */
    private static boolean anyMatch(Object arg, java.util.function.Predicate<String> test) {
        if (arg instanceof Collection<?> options) {
            return options.stream().anyMatch(o -> test.test(String.valueOf(o)));
        }
        return test.test(String.valueOf(arg));
    }

    /** The characters to strip; null means whitespace, as in Python. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : String.valueOf(args[0]);
    }

    private static boolean strips(String chars, char c) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strips(chars, s.charAt(i))) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int end = s.length();
        while (end > 0 && strips(chars, s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    /** Python split: a literal separator (not a regex); none splits on runs of whitespace, dropping empties. */
    private static List<String> split(String s, Object separator) {
        List<String> parts = new ArrayList<>();
        if (separator == null) {
            for (String p : s.strip().split("\\s+")) {
                if (!p.isEmpty()) {
                    parts.add(p);
                }
            }
            return parts;
        }
        String sep = String.valueOf(separator);
        if (sep.isEmpty()) {
            throw new ChatTemplateException("chat template called split('') : empty separator");
        }
        int from = 0;
        for (int at = s.indexOf(sep); at >= 0; at = s.indexOf(sep, from)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static List<List<Object>> items(Map<?, ?> map) {
        List<List<Object>> pairs = new ArrayList<>();
        map.forEach((k, v) -> pairs.add(java.util.Arrays.asList(k, v)));
        return pairs;
    }

    // Property access is left to Jinjava's resolver.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
