namespace Mostlyucid.LlmBackend.Gateway.Responses.Storage;

/// <summary>
/// Keeps stored responses for their retention time. Every read is by owner: a response or item stored under one gateway
/// key is not there for another (it reads as unknown, a 404), so ids never leak conversations between keys.
/// </summary>
internal interface IResponseStore
{
    /// <summary>Stores a response and its items.</summary>
    Task SaveAsync(StoredResponse response, CancellationToken cancellationToken);

    /// <summary>Gets a response the owner stored, or <see langword="null"/> when unknown, expired or another key's.</summary>
    Task<StoredResponse?> GetAsync(string owner, string id, CancellationToken cancellationToken);

    /// <summary>Gets an item of one of the owner's stored responses as JSON, or <see langword="null"/>.</summary>
    Task<string?> FindItemAsync(string owner, string itemId, CancellationToken cancellationToken);

    /// <summary>Deletes one of the owner's responses (its items go with it).</summary>
    /// <returns><see langword="true"/> when it was there.</returns>
    Task<bool> DeleteAsync(string owner, string id, CancellationToken cancellationToken);
}
