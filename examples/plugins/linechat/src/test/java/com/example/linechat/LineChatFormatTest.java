package com.example.linechat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LineChatFormatTest {

  static Stream<Arguments> escapes() {
    return Stream.of(
        arguments("plain words", "plain words"),
        arguments("a\tb", "a\\tb"),
        arguments("two\nlines\r\n", "two\\nlines\\r\\n"),
        arguments("C:\\temp\\n", "C:\\\\temp\\\\n"),
        arguments("ends in \\", "ends in \\\\"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("escapes")
  void a_field_is_escaped_and_read_back(String field, String written) {
    assertEquals(written, LineChatFormat.escape(field));
    assertEquals(field, LineChatFormat.unescape(written));
  }

  @Test
  void fields_are_separated_by_tabs_and_an_empty_field_is_none() {
    assertEquals(
        "SEND\tk-1\t\tline one\\nline two",
        LineChatFormat.line("SEND", "k-1", null, "line one\nline two"));
    assertEquals(
        Arrays.asList("SEND", "k-1", null, "line one\nline two"),
        LineChatFormat.fields("SEND\tk-1\t\tline one\\nline two"));
  }

  @Test
  void fields_survive_a_line_whatever_they_hold() {
    String[] fields = {"SEND", "k\\1", null, "tab\there", "two\nlines\r\n", "back\\slash\\"};

    List<String> read = LineChatFormat.fields(LineChatFormat.line(fields));

    assertEquals(Arrays.asList(fields), read);
  }
}
