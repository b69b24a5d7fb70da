using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Mostlyucid.LlmBackend.Configuration;

/// <summary>
/// Binds a configuration section onto a settings object like <c>ConfigurationBinder</c>, but strictly and without
/// stopping at the first problem: unknown keys (with a "did you mean"), values that are not numbers, booleans or one of an
/// enum's names, and sections where a value belongs are all collected, each with its full configuration path. Bad values
/// are skipped, so the rest of the settings can still be validated in the same pass.
/// </summary>
internal static class ConfigurationObjectReader
{
    private static readonly ConcurrentDictionary<Type, Dictionary<string, PropertyInfo>> PropertyCache = new();

    public static void Read(IConfigurationSection section, object target, List<string> problems)
    {
        var properties = BindableProperties(target.GetType());
        foreach (var child in section.GetChildren())
        {
            if (!properties.TryGetValue(child.Key, out var property))
            {
                problems.Add($"{child.Path}: unknown setting '{child.Key}'.{Suggest(child.Key, properties.Keys)}");
                continue;
            }

            ReadProperty(child, target, property, problems);
        }
    }

    private static void ReadProperty(IConfigurationSection section, object target, PropertyInfo property, List<string> problems)
    {
        var type = property.PropertyType;
        if (IsScalar(type))
        {
            if (TryReadScalar(section, type, problems, out var value))
            {
                property.SetValue(target, value);
            }

            return;
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            var list = ReadList(section, type.GetGenericArguments()[0], problems);
            if (list is not null)
            {
                property.SetValue(target, list);
            }

            return;
        }

        if (type == typeof(JsonObject))
        {
            if (section.Value is not null && !section.GetChildren().Any())
            {
                problems.Add($"{section.Path}: expected a section of settings, not a single value.");
                return;
            }

            property.SetValue(target, ToJson(section));
            return;
        }

        if (type == typeof(Dictionary<string, string>))
        {
            var dictionary = (Dictionary<string, string>?)property.GetValue(target) ?? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            if (section.Value is not null && !section.GetChildren().Any())
            {
                problems.Add($"{section.Path}: expected a set of name/value pairs, not a single value.");
                return;
            }

            foreach (var entry in section.GetChildren())
            {
                if (entry.GetChildren().Any())
                {
                    problems.Add($"{entry.Path}: expected a text value, not a section.");
                    continue;
                }

                dictionary[entry.Key] = entry.Value ?? string.Empty;
            }

            property.SetValue(target, dictionary);
            return;
        }

        if (section.Value is not null && !section.GetChildren().Any())
        {
            problems.Add($"{section.Path}: expected a section with settings, not a single value.");
            return;
        }

        var nested = property.GetValue(target) ?? Activator.CreateInstance(type)!;
        Read(section, nested, problems);
        property.SetValue(target, nested);
    }

    /// <summary>
    /// Copies a section as JSON: leaves are strings (configuration has no types; a consumer that knows the schema converts
    /// them), a section whose keys are 0, 1, 2… is an array.
    /// </summary>
    private static JsonObject ToJson(IConfigurationSection section)
    {
        var result = new JsonObject();
        foreach (var child in section.GetChildren())
        {
            result[child.Key] = ToJsonNode(child);
        }

        return result;
    }

    private static JsonNode? ToJsonNode(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return section.Value is null ? null : JsonValue.Create(section.Value);
        }

        var indexes = children.Select(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1).ToList();
        if (indexes.All(i => i >= 0) && indexes.OrderBy(i => i).SequenceEqual(Enumerable.Range(0, children.Count)))
        {
            var array = new JsonArray();
            foreach (var child in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
            {
                array.Add(ToJsonNode(child));
            }

            return array;
        }

        return ToJson(section);
    }

    private static System.Collections.IList? ReadList(IConfigurationSection section, Type itemType, List<string> problems)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            if (!string.IsNullOrEmpty(section.Value))
            {
                problems.Add($"{section.Path}: expected a list, not a single value.");
                return null;
            }

            return (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        }

        var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(itemType))!;
        var ordered = new List<(int Index, IConfigurationSection Item)>();
        foreach (var child in children)
        {
            if (!int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                problems.Add($"{child.Path}: expected list items numbered 0, 1, 2…, found '{child.Key}'.");
                continue;
            }

            ordered.Add((index, child));
        }

        foreach (var (_, item) in ordered.OrderBy(pair => pair.Index))
        {
            if (IsScalar(itemType))
            {
                if (TryReadScalar(item, itemType, problems, out var value))
                {
                    list.Add(value);
                }

                continue;
            }

            if (item.Value is not null && !item.GetChildren().Any())
            {
                problems.Add($"{item.Path}: expected a section with settings, not a single value.");
                continue;
            }

            var element = Activator.CreateInstance(itemType)!;
            Read(item, element, problems);
            list.Add(element);
        }

        return list;
    }

    private static bool TryReadScalar(IConfigurationSection section, Type type, List<string> problems, out object? value)
    {
        value = null;
        if (section.GetChildren().Any())
        {
            problems.Add($"{section.Path}: expected a single value, not a section.");
            return false;
        }

        var underlying = Nullable.GetUnderlyingType(type);
        var target = underlying ?? type;
        var text = section.Value;
        if (target == typeof(string))
        {
            value = text;
            return true;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            if (underlying is not null)
            {
                return true;
            }

            problems.Add($"{section.Path}: expected {Describe(target)}, found an empty value.");
            return false;
        }

        text = text.Trim();
        if (target == typeof(int) && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i))
        {
            value = i;
            return true;
        }

        if (target == typeof(long) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l))
        {
            value = l;
            return true;
        }

        if (target == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            value = d;
            return true;
        }

        if (target == typeof(decimal) && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m))
        {
            value = m;
            return true;
        }

        if (target == typeof(bool) && bool.TryParse(text, out var b))
        {
            value = b;
            return true;
        }

        if (target == typeof(TimeSpan) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span))
        {
            value = span;
            return true;
        }

        if (target.IsEnum && !text.Any(char.IsDigit) && Enum.TryParse(target, text, ignoreCase: true, out var parsed) && Enum.IsDefined(target, parsed!))
        {
            value = parsed;
            return true;
        }

        problems.Add($"{section.Path}: '{text}' is not {Describe(target)}.");
        return false;
    }

    private static string Describe(Type type)
    {
        if (type.IsEnum)
        {
            return "one of " + string.Join(", ", Enum.GetNames(type));
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "a whole number";
        }

        if (type == typeof(double) || type == typeof(decimal))
        {
            return "a number (use '.' for decimals)";
        }

        if (type == typeof(bool))
        {
            return "true or false";
        }

        return type == typeof(TimeSpan) ? "a time span such as 00:00:30" : type.Name;
    }

    private static bool IsScalar(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target == typeof(string) || target.IsPrimitive || target.IsEnum || target == typeof(TimeSpan) || target == typeof(double) || target == typeof(decimal);
    }

    private static Dictionary<string, PropertyInfo> BindableProperties(Type type) =>
        PropertyCache.GetOrAdd(type, static t => t
            .GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.CanRead && p.GetSetMethod() is not null)
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase));

    private static string Suggest(string key, IEnumerable<string> known) =>
        NameSuggestions.DidYouMean(key, known) + " Known settings here: " + string.Join(", ", known.OrderBy(n => n, StringComparer.Ordinal)) + ".";
}
