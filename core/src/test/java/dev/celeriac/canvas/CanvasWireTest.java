package dev.celeriac.canvas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.celeriac.fleet.FleetCaptures;
import dev.celeriac.protocol.Json;
import dev.celeriac.protocol.KombuEnvelope;
import dev.celeriac.protocol.MessageCodec;
import dev.celeriac.protocol.TaskMessage;
import dev.celeriac.protocol.TaskPayload;
import dev.celeriac.result.ResultMeta;
import dev.celeriac.worker.FollowUps;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Canvases against what Celery 5.2.6 put on the wire ({@code fleet-examples/canvas}, {@code redis/chord-*}): the
 * messages a Celeriac worker sends after a captured Python message are the messages the Celery worker sent, and
 * canvases built here encode as Celery's client encoded them. Ids that are fresh on every run are left out of the
 * comparison; everything else is compared as JSON.
 */
class CanvasWireTest {

  /** What an applier published, in order. */
  private final List<Map.Entry<String, TaskMessage>> sent = new ArrayList<>();
  private final MemoryChordStore chords = new MemoryChordStore();
  private final CanvasApplier applier = new CanvasApplier((queue, message) -> sent.add(Map.entry(queue, message)),
      name -> null, chords, Clock.systemUTC(), name -> null);
  private final FollowUps followUps = new FollowUps(applier, chords);

  private static TaskMessage captured(JsonNode entry) {
    return KombuEnvelope.decode(entry.get("command").get(2).asText().getBytes(StandardCharsets.UTF_8)).message();
  }

  private static JsonNode tree(Object value) {
    return FleetCaptures.json(Json.write(value));
  }

  private static JsonNode body(TaskMessage message) {
    TaskPayload payload = MessageCodec.decodeBody(message);
    List<Object> body = new ArrayList<>();
    body.add(payload.args());
    body.add(payload.kwargs());
    body.add(payload.embed());
    return tree(body);
  }

  /** The headers Celery writes, as JSON, without those that name this process or this run. */
  private static JsonNode headers(TaskMessage message, String... without) {
    Map<String, Object> headers = new LinkedHashMap<>(message.headers());
    for (String name : List.of("lang", "origin", "ignore_result", "replaced_task_nesting", "stamped_headers", "stamps",
        MessageCodec.SENT_AT)) {
      headers.remove(name);
    }
    for (String name : without) {
      headers.remove(name);
    }
    return tree(headers);
  }

  private static void assertSameMessage(TaskMessage expected, TaskMessage actual, String... without) {
    assertEquals(headers(expected, without), headers(actual, without));
    assertEquals(body(expected), body(actual));
  }

  @Test
  void linkSendsTheCallbackWithTheResultPrepended() {
    JsonNode capture = FleetCaptures.capture("canvas/link-parent-and-callback.json");
    TaskMessage parent = captured(capture.get("parent_message"));
    TaskMessage expected = captured(capture.get("callback_message_sent_by_worker"));

    FollowUps.Success next = followUps.planSuccess(parent, MessageCodec.decodeBody(parent), 4);
    assertEquals(List.of(), sent, "nothing is sent before the result (with its children) is stored");
    next.send();

    assertEquals(1, sent.size());
    assertEquals("celery", sent.get(0).getKey());
    assertSameMessage(expected, sent.get(0).getValue(), "id");
    assertEquals(36, sent.get(0).getValue().id().length());
    // The parent's stored children name the callback as Celery's do: [[[id, null], null]].
    assertEquals(List.of(ResultMeta.taskTuple(sent.get(0).getValue().id())), next.children());
  }

  @Test
  void anImmutableCallbackKeepsItsArguments() {
    JsonNode capture = FleetCaptures.capture("canvas/link-immutable.json");
    TaskMessage parent = captured(capture.get("parent_message"));
    TaskMessage expected = captured(capture.get("callback_message_sent_by_worker"));

    followUps.succeeded(parent, MessageCodec.decodeBody(parent), 4);

    // Celery writes an immutable signature's args with list repr; the rest is the same.
    assertSameMessage(expected, sent.get(0).getValue(), "id", "argsrepr");
  }

  @Test
  void severalCallbacksGoAsOneGroupWithAFreshId() {
    JsonNode capture = FleetCaptures.capture("canvas/link-multiple-callbacks.json");
    TaskMessage parent = captured(capture.get("parent_message"));

    FollowUps.Success next = followUps.planSuccess(parent, MessageCodec.decodeBody(parent), 3);
    next.send();

    assertEquals(2, sent.size());
    Iterator<JsonNode> expected = capture.get("callback_messages_sent_as_group").elements();
    for (Map.Entry<String, TaskMessage> entry : sent) {
      assertSameMessage(captured(expected.next()), entry.getValue(), "id", "group");
    }
    Object group = sent.get(0).getValue().headers().get("group");
    assertNotNull(group);
    assertEquals(group, sent.get(1).getValue().headers().get("group"));
    assertNotEquals(parent.id(), group);
    // One GroupResult tuple: [[group id, null], [member tuples]], as Celery's add_trail of the group's result.
    assertEquals(List.of(ResultMeta.groupTuple(group.toString(), List.of(
        ResultMeta.taskTuple(sent.get(0).getValue().id()), ResultMeta.taskTuple(sent.get(1).getValue().id())))),
        next.children());
  }

  @Test
  void aChainHopCarriesTheRestOfTheChain() {
    JsonNode messages = FleetCaptures.capture("canvas/chain-messages.json").get("messages_in_send_order");
    TaskMessage first = captured(messages.get(0));
    TaskMessage second = captured(messages.get(1));
    TaskMessage third = captured(messages.get(2));

    FollowUps.Success next = followUps.planSuccess(first, MessageCodec.decodeBody(first), 3);
    next.send();
    followUps.succeeded(second, MessageCodec.decodeBody(second), 6);
    assertEquals(List.of(ResultMeta.taskTuple(second.id())), next.children());

    assertEquals(2, sent.size());
    assertSameMessage(second, sent.get(0).getValue());
    assertSameMessage(third, sent.get(1).getValue());
    assertEquals(second.properties().get("reply_to"), sent.get(0).getValue().properties().get("reply_to"));
  }

  @Test
  void aChainBuiltHereIsEncodedAsCeleryEncodesIt() {
    JsonNode messages = FleetCaptures.capture("canvas/chain-messages.json").get("messages_in_send_order");
    TaskMessage expected = captured(messages.get(0));

    SignatureSpec chain = SignatureSpec.chain(List.of(
        SignatureSpec.task("fleetapp.add", List.of(1, 2), Map.of()),
        SignatureSpec.task("fleetapp.add", List.of(3), Map.of()),
        SignatureSpec.task("fleetapp.add", List.of(4), Map.of())));
    CanvasApplier.Sent result = applier.apply(chain, List.of(), Map.of());

    assertEquals(1, sent.size());
    TaskMessage first = sent.get(0).getValue();
    assertEquals(headers(expected, "id", "root_id"), headers(first, "id", "root_id"));
    assertEquals(first.id(), first.rootId());
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rest = (List<Map<String, Object>>) MessageCodec.decodeBody(first).embed().get("chain");
    assertEquals(2, rest.size());
    // Reversed: the next step is the last element; the chain's result is its first element's task id.
    assertEquals(List.of(3), rest.get(1).get("args"));
    assertEquals(List.of(4), rest.get(0).get("args"));
    assertEquals(((Map<?, ?>) rest.get(0).get("options")).get("task_id"), result.id());
    JsonNode expectedStep = messages.get(0).get("body_decoded").get(2).get("chain").get(0);
    JsonNode step = tree(rest.get(0));
    for (String field : List.of("task", "args", "kwargs", "subtask_type", "immutable")) {
      assertEquals(expectedStep.get(field), step.get(field), field);
    }
  }

  @Test
  void aGroupBuiltHereIsEncodedAsCeleryEncodesIt() {
    JsonNode messages = FleetCaptures.capture("canvas/group-messages.json").get("messages");
    SignatureSpec group = SignatureSpec.group(List.of(
        SignatureSpec.task("fleetapp.add", List.of(1, 1), Map.of()),
        SignatureSpec.task("fleetapp.add", List.of(2, 2), Map.of()),
        SignatureSpec.task("fleetapp.add", List.of(3, 3), Map.of())));

    CanvasApplier.Sent result = applier.apply(group, List.of(), Map.of());

    assertEquals(3, sent.size());
    for (int i = 0; i < 3; i++) {
      TaskMessage expected = captured(messages.get(i));
      TaskMessage actual = sent.get(i).getValue();
      assertSameMessage(expected, actual, "id", "root_id", "group");
      assertEquals(result.id(), actual.headers().get("group"));
      assertEquals(actual.id(), actual.rootId());
      assertNull(actual.headers().get("group_index"));
      assertEquals(actual.id(), result.members().get(i).id());
    }
  }

  @Test
  void aChordBuiltHereIsEncodedAsCeleryEncodesItsHeader() {
    JsonNode messages = FleetCaptures.capture("canvas/chord-header-messages.json").get("messages");
    SignatureSpec header = SignatureSpec.group(List.of(
        SignatureSpec.task("fleetapp.sleepy", List.of("a", 1.2), Map.of()),
        SignatureSpec.task("fleetapp.sleepy", List.of("b", 0.6), Map.of()),
        SignatureSpec.task("fleetapp.sleepy", List.of("c", 0.1), Map.of())));
    SignatureSpec chord = SignatureSpec.chord(header, SignatureSpec.task("fleetapp.echo", List.of(), Map.of()));

    CanvasApplier.Sent result = applier.apply(chord, List.of(), Map.of());

    assertEquals(3, sent.size());
    String group = (String) sent.get(0).getValue().headers().get("group");
    for (int i = 0; i < 3; i++) {
      TaskMessage expected = captured(messages.get(i));
      TaskMessage actual = sent.get(i).getValue();
      assertEquals(headers(expected, "id", "root_id", "group", "argsrepr"),
          headers(actual, "id", "root_id", "group", "argsrepr"));
      assertEquals(i, actual.headers().get("group_index"));
      assertEquals(group, actual.headers().get("group"));
      JsonNode expectedBody = messages.get(i).get("body_decoded");
      JsonNode actualBody = body(actual);
      assertEquals(expectedBody.get(0), actualBody.get(0));
      JsonNode bodySignature = actualBody.get(2).get("chord");
      for (String field : List.of("task", "args", "kwargs", "subtask_type", "immutable")) {
        assertEquals(expectedBody.get(2).get("chord").get(field), bodySignature.get(field), field);
      }
      assertEquals(result.id(), bodySignature.get("options").get("task_id").asText());
    }
  }

  @Test
  void theLastHeaderTaskSendsTheBodyWithTheResultsInHeaderOrder() {
    JsonNode headerMessages = FleetCaptures.capture("canvas/chord-header-messages.json").get("messages");
    TaskMessage expectedBody = captured(FleetCaptures.capture("redis/chord-body-message.json"));
    chords.setSize(captured(headerMessages.get(0)).headers().get("group").toString(), 3);
    // As captured: the members finished c, b, a; the body still gets a, b, c.
    for (int i = 2; i >= 0; i--) {
      TaskMessage member = captured(headerMessages.get(i));
      followUps.succeeded(member, MessageCodec.decodeBody(member), List.of("a", "b", "c").get(i));
    }

    assertEquals(1, sent.size());
    TaskMessage body = sent.get(0).getValue();
    assertSameMessage(expectedBody, body, "parent_id");
    assertEquals(captured(headerMessages.get(0)).id(), body.parentId());
    assertEquals(expectedBody.properties().get("reply_to"), body.properties().get("reply_to"));
  }

  @Test
  void aFailedHeaderTaskFailsTheBodyAndSendsNothing() {
    JsonNode headerMessages = FleetCaptures.capture("canvas/chord-header-messages.json").get("messages");
    TaskMessage first = captured(headerMessages.get(0));
    String group = first.headers().get("group").toString();
    chords.setSize(group, 3);
    followUps.failed(first, MessageCodec.decodeBody(first), new IllegalArgumentException("in-header"));
    for (int i = 1; i < 3; i++) {
      TaskMessage member = captured(headerMessages.get(i));
      followUps.succeeded(member, MessageCodec.decodeBody(member), "x");
    }

    assertTrue(sent.isEmpty());
    assertEquals("Dependency " + first.id() + " raised IllegalArgumentException('in-header')",
        chords.bodyFailure("72642833-dcf9-4d3a-906c-1a0f170a4102"));
  }

  @Test
  void aRevokedHeaderTaskFailsTheChord() {
    JsonNode headerMessages = FleetCaptures.capture("canvas/chord-header-messages.json").get("messages");
    TaskMessage first = captured(headerMessages.get(0));
    chords.setSize(first.headers().get("group").toString(), 3);
    for (int i = 1; i < 3; i++) {
      TaskMessage member = captured(headerMessages.get(i));
      followUps.succeeded(member, MessageCodec.decodeBody(member), "x");
    }
    followUps.revoked(first, MessageCodec.decodeBody(first), "revoked");

    assertTrue(sent.isEmpty());
    assertEquals("Dependency " + first.id() + " raised TaskRevokedError('revoked')",
        chords.bodyFailure("72642833-dcf9-4d3a-906c-1a0f170a4102"));
  }

  @Test
  void anErrbackThisWorkerDoesNotHaveGoesAsATaskWithTheFailedId() {
    JsonNode capture = FleetCaptures.capture("canvas/errback-unregistered.json");
    TaskMessage failing = captured(capture.get("failing_task_message"));
    TaskMessage expected = captured(capture.get("errback_message_sent_by_worker"));

    followUps.failed(failing, MessageCodec.decodeBody(failing), new IllegalStateException("E3"));

    assertEquals(1, sent.size());
    assertSameMessage(expected, sent.get(0).getValue(), "id", "group");
    assertNotNull(sent.get(0).getValue().headers().get("group"));
  }

  @Test
  void anOldStyleErrbackGetsTheFailedIdToo() {
    JsonNode capture = FleetCaptures.capture("canvas/errback-old-style.json");
    TaskMessage failing = captured(capture.get("failing_task_message"));
    TaskMessage expected = captured(capture.get("errback_message_sent_by_worker"));

    followUps.failed(failing, MessageCodec.decodeBody(failing), new IllegalStateException("x"));

    assertSameMessage(expected, sent.get(0).getValue(), "id", "group");
  }

  @Test
  void signatureDictsRoundTripAsCeleryWritesThem() {
    JsonNode messages = FleetCaptures.capture("canvas/chain-messages.json").get("messages_in_send_order");
    JsonNode step = messages.get(0).get("body_decoded").get(2).get("chain").get(0);
    SignatureSpec spec = SignatureSpec.fromWire(Json.read(step.toString().getBytes(StandardCharsets.UTF_8)));
    assertEquals(step, tree(spec.toWire()));
    assertThrows(dev.celeriac.protocol.MalformedMessageException.class, () -> SignatureSpec.fromWire(List.of(1)));
  }

  @Test
  void aChainWithAGroupBeforeAStepBecomesAChord() {
    List<SignatureSpec> steps = CanvasApplier.prepareSteps(List.of(
        SignatureSpec.task("a", List.of(), Map.of()),
        SignatureSpec.group(List.of(SignatureSpec.task("b", List.of(), Map.of()),
            SignatureSpec.task("c", List.of(), Map.of()))),
        SignatureSpec.task("d", List.of(), Map.of())));
    assertEquals(2, steps.size());
    assertEquals(SignatureSpec.CHORD, steps.get(1).subtaskType());
    assertEquals("d", steps.get(1).body().task());
  }

  @Test
  void followUpIdsComeFromTheTaskSoARedeliveredTaskSendsThemAgainUnderTheStoredIds() {
    JsonNode capture = FleetCaptures.capture("canvas/link-multiple-callbacks.json");
    TaskMessage parent = captured(capture.get("parent_message"));

    FollowUps.Success first = followUps.planSuccess(parent, MessageCodec.decodeBody(parent), 3);
    first.send();
    List<String> firstIds = sent.stream().map(entry -> entry.getValue().id()).toList();
    Object firstGroup = sent.get(0).getValue().headers().get("group");
    sent.clear();
    // The same message delivered again (the worker died after storing the result): same children, same messages.
    FollowUps.Success again = followUps.planSuccess(parent, MessageCodec.decodeBody(parent), 3);
    again.send();
    assertEquals(first.children(), again.children());
    assertEquals(firstIds, sent.stream().map(entry -> entry.getValue().id()).toList());
    assertEquals(firstGroup, sent.get(0).getValue().headers().get("group"));

    // Another task's follow-ups get other ids.
    TaskMessage other = MessageCodec.newMessage(new MessageCodec.NewMessage(parent.task(), "another-task",
        List.of(), Map.of(), null, null, null, null, null, 0, null));
    TaskMessage otherWithLinks = new TaskMessage(other.headers(), other.properties(), TaskMessage.JSON, "utf-8",
        MessageCodec.encodeBody(List.of(), Map.of(), MessageCodec.decodeBody(parent).embed()));
    assertNotEquals(first.children(), followUps.planSuccess(otherWithLinks,
        MessageCodec.decodeBody(otherWithLinks), 3).children());
  }

  @Test
  void aChainOrChordAppliedInsideATaskIsRecordedAsCeleryAddTrailRecordsIt() {
    SignatureSpec a = SignatureSpec.task("a", List.of(), Map.of());
    SignatureSpec b = SignatureSpec.task("b", List.of(), Map.of());
    SignatureSpec c = SignatureSpec.task("c", List.of(), Map.of());

    // A chain: its first step (Celery's _chain.run applies the first task, and send_task adds it to the trail).
    SignatureSpec chain = CanvasApplier.frozen(SignatureSpec.chain(List.of(a, b, c)));
    List<Object> trail = CanvasApplier.trailTuple(chain);
    CanvasApplier.Sent applied = applier.apply(chain, List.of(), Map.of());
    assertEquals(1, sent.size());
    assertEquals(List.of(ResultMeta.taskTuple(sent.get(0).getValue().id())), List.of(trail));
    assertEquals(CanvasApplier.resultTuple(chain), ResultMeta.taskTuple(applied.id()), "the chain's result: c");
    sent.clear();

    // A chord: its header's GroupResult (chord.run calls the header group, which adds itself to the trail).
    SignatureSpec chord = CanvasApplier.frozen(SignatureSpec.chord(SignatureSpec.group(List.of(a, b)), c));
    trail = CanvasApplier.trailTuple(chord);
    applier.apply(chord, List.of(), Map.of());
    assertEquals(2, sent.size());
    Object group = sent.get(0).getValue().headers().get("group");
    assertEquals(ResultMeta.groupTuple(group.toString(), List.of(ResultMeta.taskTuple(sent.get(0).getValue().id()),
        ResultMeta.taskTuple(sent.get(1).getValue().id()))), trail);
    sent.clear();

    // A chain starting with a group and a step: a chord, so the header's GroupResult again.
    SignatureSpec chordFirst = CanvasApplier.frozen(SignatureSpec.chain(List.of(SignatureSpec.group(List.of(a, b)),
        c, a)));
    trail = CanvasApplier.trailTuple(chordFirst);
    applier.apply(chordFirst, List.of(), Map.of());
    group = sent.get(0).getValue().headers().get("group");
    assertEquals(ResultMeta.groupTuple(group.toString(), List.of(ResultMeta.taskTuple(sent.get(0).getValue().id()),
        ResultMeta.taskTuple(sent.get(1).getValue().id()))), trail);
  }
}
