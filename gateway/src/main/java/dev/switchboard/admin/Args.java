package dev.switchboard.admin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Command-line arguments: positionals, {@code --name value} options and {@code --flag}s. */
final class Args {
  private static final Set<String> FLAGS = Set.of("--admin", "--all", "--mention-only", "--stop-on-match");

  private final List<String> positionals = new ArrayList<>();
  private final Map<String, String> options = new HashMap<>();
  private final Set<String> flags = new HashSet<>();

  Args(List<String> args) {
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (FLAGS.contains(arg)) {
        flags.add(arg);
      } else if (arg.startsWith("--")) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(arg + " needs a value");
        }
        options.put(arg, args.get(++i));
      } else {
        positionals.add(arg);
      }
    }
  }

  int size() {
    return positionals.size();
  }

  String raw(int index) {
    return index < positionals.size() ? positionals.get(index) : "";
  }

  String positional(int index, String name) {
    if (index >= positionals.size()) {
      throw new IllegalArgumentException("missing <" + name + ">; see ./switchboard help");
    }
    return positionals.get(index);
  }

  Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  boolean flag(String name) {
    return flags.contains(name);
  }
}
