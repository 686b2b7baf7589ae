package dev.switchboard.plugin.testkit;

import java.util.List;

/**
 * A virtual thread as the JVM's thread dump shows it, for {@link PlatformDriver#ownsVirtualThread}.
 *
 * @param id the thread's id
 * @param name its name, empty if it has none
 * @param stack its frames, innermost first, as the dump writes them ({@code
 *     java.base/java.lang.VirtualThread.park(VirtualThread.java:582)}, {@code
 *     com.example.Fake.serve(Fake.java:40)})
 */
public record VirtualThreadView(long id, String name, List<String> stack) {
  public VirtualThreadView {
    stack = List.copyOf(stack);
  }

  /** Whether any frame runs code of {@code type} or of a class nested in it. */
  public boolean runs(Class<?> type) {
    return runsCodeOf(type.getName() + ".") || runsCodeOf(type.getName() + "$");
  }

  /** Whether any frame runs code of a class whose name starts with {@code prefix}. */
  boolean runsCodeOf(String prefix) {
    return stack.stream().map(VirtualThreadView::className).anyMatch(c -> c.startsWith(prefix));
  }

  /** The thread's name and its innermost frame outside the JDK's modules, for a report. */
  public String describe() {
    String where =
        stack.stream().filter(f -> !inNamedModule(f)).findFirst()
            .or(() -> stack.stream().findFirst())
            .orElse("no frames");
    return "virtual thread #" + id + " \"" + name + "\" at " + where;
  }

  // "java.base/java.lang.Thread.run(Thread.java:1474)": code of a named module, the JDK's here.
  private static boolean inNamedModule(String frame) {
    int slash = frame.indexOf('/');
    int paren = frame.indexOf('(');
    return slash >= 0 && (paren < 0 || slash < paren);
  }

  private static String className(String frame) {
    String code = inNamedModule(frame) ? frame.substring(frame.indexOf('/') + 1) : frame;
    int paren = code.indexOf('(');
    return paren < 0 ? code : code.substring(0, paren);
  }
}
