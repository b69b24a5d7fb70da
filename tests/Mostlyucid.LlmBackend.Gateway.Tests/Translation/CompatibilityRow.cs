namespace Mostlyucid.LlmBackend.Gateway.Tests.Translation;

/// <summary>
/// One parameter of one client format, and what becomes of it on each backend format: the words docs/gateway.md shows,
/// and the check that proves them against what reached the fake upstream.
/// </summary>
/// <param name="Client">The client format: <c>openai</c> (<c>/v1/chat/completions</c>) or <c>anthropic</c> (<c>/v1/messages</c>).</param>
/// <param name="Parameter">The parameter, as the table names it.</param>
/// <param name="Fragment">
/// JSON merged into the base request's top level (<c>{marker}</c> stands for the request's unique marker, which must
/// stay in the body when the fragment replaces <c>messages</c>).
/// </param>
/// <param name="Cells">Per backend column: the table's words and the check (see <see cref="CompatibilityCheck"/>).</param>
/// <param name="Headers">Request headers to send, if any.</param>
public sealed record CompatibilityRow(string Client, string Parameter, string Fragment, IReadOnlyDictionary<string, (string Outcome, string Check)> Cells, IReadOnlyDictionary<string, string>? Headers = null);
