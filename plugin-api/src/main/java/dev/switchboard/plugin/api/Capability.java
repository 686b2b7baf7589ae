package dev.switchboard.plugin.api;

/** Things a channel can deliver; {@link Channel#capabilities()} lists the ones it supports. */
public enum Capability {
  TEXT,
  MARKDOWN,
  THREADS,
  EDIT,
  REACTION,
  QUESTION,
  FILES,
  TYPING
}
