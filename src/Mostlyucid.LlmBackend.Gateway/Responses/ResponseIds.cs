using System.Security.Cryptography;

namespace Mostlyucid.LlmBackend.Gateway.Responses;

/// <summary>
/// Ids of what the Responses API returns, with OpenAI's prefixes (<c>resp_</c>, <c>msg_</c>, <c>fc_</c>, <c>rs_</c>) and
/// 128 random bits as hex: unguessable, so knowing one id says nothing about another (and a stored response is only
/// visible to the key that created it anyway).
/// </summary>
internal static class ResponseIds
{
    /// <summary>A response's id.</summary>
    public static string Response() => New("resp_");

    /// <summary>An output message's id.</summary>
    public static string Message() => New("msg_");

    /// <summary>A function call item's id (not its <c>call_id</c>).</summary>
    public static string FunctionCall() => New("fc_");

    /// <summary>A reasoning item's id.</summary>
    public static string Reasoning() => New("rs_");

    /// <summary>A tool call's <c>call_id</c>, for a backend that gave none.</summary>
    public static string Call() => New("call_");

    private static string New(string prefix)
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return prefix + Convert.ToHexStringLower(random);
    }
}
