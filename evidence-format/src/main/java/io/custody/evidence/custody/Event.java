package io.custody.evidence.custody;

import java.util.ArrayList;
import java.util.List;

/**
 * What to append to a custody log; the log fills in seq, ids, time, chain and actor.
 *
 * <p>Event names used by Custody: {@code case-opened}, {@code acquired}, {@code contained}, {@code
 * released}, {@code mounted}, {@code unmounted}, {@code analysed}, {@code sealed}, {@code verified},
 * {@code transferred}, {@code received}, {@code log-recovered}, {@code note}.
 */
public final class Event {

  final String name;
  Outcome outcome = Outcome.RECORDED;
  Long refersTo;
  final List<CustodyObject> objects = new ArrayList<>();
  AwsCall aws;
  String notes;

  private Event(String name) {
    if (name == null || !name.matches("[a-z][a-z0-9-]{0,63}")) {
      throw new IllegalArgumentException("bad event name '" + name + "'");
    }
    this.name = name;
  }

  public static Event of(String name) {
    return new Event(name);
  }

  public Event outcome(Outcome o) {
    this.outcome = o;
    return this;
  }

  public Event refersTo(long seq) {
    this.refersTo = seq;
    return this;
  }

  public Event object(CustodyObject o) {
    objects.add(o);
    return this;
  }

  public Event objects(List<CustodyObject> list) {
    objects.addAll(list);
    return this;
  }

  public Event aws(AwsCall call) {
    this.aws = call;
    return this;
  }

  public Event notes(String text) {
    this.notes = text;
    return this;
  }
}
