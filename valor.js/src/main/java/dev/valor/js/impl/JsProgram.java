package dev.valor.js.impl;

import org.graalvm.polyglot.Source;

/** A plugin's file, ready to run in any number of contexts, and how it answers. */
record JsProgram(Source source, JsSettings.Style style) {}
