using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mostlyucid.LlmBackend.Configuration;
using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Security;

/// <summary>
/// Removes secrets from text that leaves the process or is written down: error messages, health and statistics, logs.
/// It knows every configured secret (backend API keys, secret-named headers, provider options and plugin settings, and
/// whatever a host adds, such as the gateway's own keys) and recognises the shapes of well-known provider keys, so a key a
/// provider echoes back in an error body is caught even when it is not one of ours.
/// </summary>
internal sealed partial class SecretRedactor
{
    /// <summary>What a secret is replaced with.</summary>
    public const string Placeholder = "[redacted]";

    /// <summary>Shorter values are not treated as secrets: replacing them would garble ordinary text.</summary>
    public const int MinimumSecretLength = 8;

    private static readonly HashSet<string> SecretWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "key", "apikey", "token", "secret", "password", "passwd", "pwd", "auth", "authorization", "cookie", "credential", "credentials", "signature",
    };

    private readonly object _gate = new();
    private string[] _secrets = Array.Empty<string>();

    /// <summary>Gets whether a setting or header with this name holds a secret (for example <c>ApiKey</c>, <c>x-api-key</c>, <c>Authorization</c>).</summary>
    /// <param name="name">The name.</param>
    /// <returns><see langword="true"/> when the name says so.</returns>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);

        // Whole words only (split at - _ . space and lower-to-upper case changes): "tokenizer" and "author" are not secrets.
        var start = 0;
        for (var i = 1; i <= name.Length; i++)
        {
            var boundary = i == name.Length
                || name[i] is '-' or '_' or '.' or ' '
                || (char.IsUpper(name[i]) && char.IsLower(name[i - 1]));
            if (!boundary)
            {
                continue;
            }

            var word = name[start..i].Trim('-', '_', '.', ' ');
            if (word.Length > 0 && SecretWords.Contains(word))
            {
                return true;
            }

            start = i;
        }

        return false;
    }

    /// <summary>Adds a secret (ignored when shorter than <see cref="MinimumSecretLength"/> or blank).</summary>
    /// <param name="secret">The secret.</param>
    public void Add(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret) || secret.Trim().Length < MinimumSecretLength)
        {
            return;
        }

        lock (_gate)
        {
            if (Array.IndexOf(_secrets, secret) >= 0)
            {
                return;
            }

            // Longest first, so a secret that contains another is replaced whole.
            _secrets = _secrets.Append(secret).OrderByDescending(s => s.Length).ToArray();
        }
    }

    /// <summary>Adds every secret in the backends' settings: API keys, secret-named headers, provider options and plugin settings.</summary>
    /// <param name="settings">The settings, with environment references expanded.</param>
    public void AddFrom(LlmSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var backend in settings.Backends)
        {
            Add(backend.ApiKey);
            foreach (var (name, value) in backend.Headers)
            {
                if (IsSecretName(name))
                {
                    Add(BearerToken(value));
                    Add(value);
                }
            }

            foreach (var (name, value) in backend.ProviderOptions)
            {
                if (IsSecretName(name))
                {
                    Add(value);
                }
            }

            AddSecretsIn(backend.PluginConfig);
        }

        AddConnectionStringSecrets(settings.Usage.ConnectionString);
        AddRedisSecrets(settings.Redis.ConnectionString);
    }

    /// <summary>Adds the password (and any other secret-named option) of a StackExchange.Redis configuration string (<c>host:port,password=…</c>).</summary>
    /// <param name="configuration">The configuration string, or <see langword="null"/>.</param>
    public void AddRedisSecrets(string? configuration)
    {
        foreach (var part in (configuration ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && IsSecretName(part[..equals].Trim()))
            {
                Add(part[(equals + 1)..].Trim());
            }
        }
    }

    /// <summary>Adds the password (and any other secret-named part) of a database connection string.</summary>
    /// <param name="connectionString">The connection string, or <see langword="null"/>.</param>
    public void AddConnectionStringSecrets(string? connectionString)
    {
        foreach (var part in (connectionString ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && (IsSecretName(part[..equals].Trim()) || part[..equals].Trim().Equals("pwd", StringComparison.OrdinalIgnoreCase)))
            {
                Add(part[(equals + 1)..].Trim());
            }
        }
    }

    /// <summary>Replaces every known secret and every secret-looking token in <paramref name="text"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The text without secrets (the same instance when there were none).</returns>
    public string Redact(string text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var result = text;
        foreach (var secret in Volatile.Read(ref _secrets))
        {
            if (result.Contains(secret, StringComparison.Ordinal))
            {
                result = result.Replace(secret, Placeholder, StringComparison.Ordinal);
            }
        }

        try
        {
            return SecretLooking().IsMatch(result) ? SecretLooking().Replace(result, match => match.Groups["keep"].Value + Placeholder) : result;
        }
        catch (RegexMatchTimeoutException)
        {
            // Never let text out unchecked: a text too large to check in time is withheld whole.
            return Placeholder;
        }
    }

    /// <summary>Redacts an error's message.</summary>
    /// <param name="error">The error.</param>
    /// <returns>The error, redacted (the same instance when nothing changed).</returns>
    public LlmError Redact(LlmError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = Redact(error.Message);
        return ReferenceEquals(message, error.Message) ? error : error with { Message = message };
    }

    /// <summary>Redacts a health snapshot's last error (in place).</summary>
    /// <param name="health">The snapshot.</param>
    /// <returns>The same snapshot.</returns>
    public BackendHealth Redact(BackendHealth health)
    {
        ArgumentNullException.ThrowIfNull(health);
        if (health.LastError is { } error)
        {
            health.LastError = Redact(error);
        }

        return health;
    }

    // Well-known provider key shapes (case-sensitive: that is how they are issued), and credentials after "Bearer" or an
    // api_key/token/secret/password field (names in any case). The group "keep" is the part that stays (the field name,
    // or the word Bearer), so the text still says what was removed. Non-backtracking: linear in the text's length
    // whatever a client makes it repeat.
    [GeneratedRegex(
        @"(?<keep>)\b(?:sk-[A-Za-z0-9_\-]{16,}|sk_(?:live|test)_[A-Za-z0-9]{16,}|AIza[0-9A-Za-z_\-]{30,}|gsk_[A-Za-z0-9]{20,}|xai-[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{24,}|(?:ghp|gho|ghu|ghs|github_pat)_[A-Za-z0-9_]{20,}|AKIA[0-9A-Z]{16}|r8_[A-Za-z0-9]{20,}|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,})"
        + @"|(?<keep>\b(?i:bearer)\s+)[A-Za-z0-9._~+/\-]{12,}=*"
        + @"|(?<keep>\b(?i:api[_\-]?key|access[_\-]?token|secret|password)[""']?\s*[:=]\s*[""']?)[^\s""',;}&]{8,}",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant,
        matchTimeoutMilliseconds: 1000)]
    private static partial Regex SecretLooking();

    private static string? BearerToken(string value) =>
        value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : null;

    private void AddSecretsIn(JsonNode? node, string? name = null)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj)
                {
                    AddSecretsIn(child, key);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    AddSecretsIn(child, name);
                }

                break;
            case JsonValue value when name is not null && IsSecretName(name) && value.TryGetValue<string>(out var text):
                Add(text);
                break;
        }
    }
}
