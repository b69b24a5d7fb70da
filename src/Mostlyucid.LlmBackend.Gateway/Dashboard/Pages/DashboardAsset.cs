namespace Mostlyucid.LlmBackend.Gateway.Dashboard.Pages;

/// <summary>A file of the dashboard, embedded in the gateway's assembly.</summary>
/// <param name="Name">Its name under <c>wwwroot/</c>.</param>
/// <param name="ContentType">Its media type.</param>
/// <param name="Content">Its bytes.</param>
internal sealed record DashboardAsset(string Name, string ContentType, byte[] Content);
