package dev.jmoe.host.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TemplateSourceRewritesTest {

    @Test
    void reversedSliceBecomesReverseFilter() {
        assertEquals("{% for m in messages|reverse|list %}", TemplateSourceRewrites.apply("{% for m in messages[::-1] %}"));
    }

    @Test
    void negatedTestIsGroupedLikeJinja() {
        assertEquals("{%- if not (date_string is defined) %}", TemplateSourceRewrites.apply("{%- if not date_string is defined %}"));
        assertEquals("{% if not (m['x'] is not none) %}", TemplateSourceRewrites.apply("{% if not m['x'] is not none %}"));
    }

    @Test
    void namespaceKeywordValuesAreParenthesised() {
        assertEquals("{%- set ns = namespace(a=(true), b=(messages|length - 1), c=('x,y')) %}",
                TemplateSourceRewrites.apply("{%- set ns = namespace(a=true, b=messages|length - 1, c='x,y') %}"));
    }

    @Test
    void textCommentsAndStringLiteralsAreLeftAlone() {
        String source = "It is not x is y here [::-1]{# not a is b #}{{ 'not a is b [::-1] namespace(q=1 - 1)' }}";
        assertEquals(source, TemplateSourceRewrites.apply(source));
    }
}
