using System.Diagnostics;

namespace Mostlyucid.LlmBackend.Telemetry;

/// <summary>
/// Adds a span's attributes cheaply: each key is set once, so it is appended rather than searched for
/// (<see cref="Activity.SetTag"/> walks the tags set so far), a missing value adds nothing, and small counts are boxed
/// once for all.
/// </summary>
internal static class SpanTags
{
    private static readonly object[] SmallNumbers = CreateSmallNumbers();

    /// <summary>Adds a string attribute when there is a value.</summary>
    public static void Add(Activity span, string key, string? value)
    {
        if (value is not null)
        {
            span.AddTag(key, value);
        }
    }

    /// <summary>Adds an integer attribute.</summary>
    public static void Add(Activity span, string key, int value) =>
        span.AddTag(key, (uint)value < (uint)SmallNumbers.Length ? SmallNumbers[value] : value);

    /// <summary>Adds an attribute of another type (a double, a bool, an array).</summary>
    public static void Add(Activity span, string key, object value) => span.AddTag(key, value);

    private static object[] CreateSmallNumbers()
    {
        var numbers = new object[64];
        for (var i = 0; i < numbers.Length; i++)
        {
            numbers[i] = i;
        }

        return numbers;
    }
}
