using Mostlyucid.LlmBackend.Models;

namespace Mostlyucid.LlmBackend.Resilience;

/// <summary>
/// Every attempt one request made, in order, safe to add to from a hedge's two attempts at once. It becomes the
/// response's <c>Attempts</c>.
/// </summary>
internal sealed class AttemptLog
{
    private readonly List<BackendAttempt> _attempts = new();

    /// <summary>Gets how many attempts were made.</summary>
    public int Count
    {
        get
        {
            lock (_attempts)
            {
                return _attempts.Count;
            }
        }
    }

    /// <summary>Gets the attempts, for the response (read once the request is over).</summary>
    public IReadOnlyList<BackendAttempt> Items => _attempts;

    /// <summary>Gets whether more than one backend was tried.</summary>
    public bool FailedOver
    {
        get
        {
            lock (_attempts)
            {
                for (var i = 1; i < _attempts.Count; i++)
                {
                    if (!string.Equals(_attempts[i].BackendName, _attempts[0].BackendName, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            }
        }
    }

    /// <summary>Adds an attempt.</summary>
    public void Add(BackendAttempt attempt)
    {
        lock (_attempts)
        {
            _attempts.Add(attempt);
        }
    }

    /// <summary>Gets the errors of the failed attempts, in order.</summary>
    public List<LlmError> Errors()
    {
        lock (_attempts)
        {
            return _attempts.Where(a => a.Error is not null).Select(a => a.Error!).ToList();
        }
    }

    /// <summary>Gets the backends that refused the request for good (a fatal or context-length error): no use asking them again.</summary>
    public HashSet<string> RefusedBackends()
    {
        lock (_attempts)
        {
            return _attempts
                .Where(a => a.Error is { } e && LlmErrorClassifier.Disposition(e) is ErrorDisposition.Fatal or ErrorDisposition.FailOverToLargerContext)
                .Select(a => a.BackendName)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
    }
}
