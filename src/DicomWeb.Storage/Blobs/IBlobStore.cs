namespace DicomWeb.Storage.Blobs;

/// <summary>
/// Immutable objects addressed by key. Writes are all-or-nothing: a reader sees a whole object or none.
/// Deals in streams, not paths, so an object store can stand in for the file system.
/// </summary>
public interface IBlobStore
{
    /// <summary>Stores <paramref name="content"/> under <paramref name="key"/>, replacing nothing: keys are written once.</summary>
    Task PutAsync(string key, Stream content, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a fully written local file under <paramref name="key"/>; the file may be moved rather than copied.
    /// Making the bytes durable is the caller's: a flush of the file before or after the call (an open handle follows a move).
    /// </summary>
    Task PutFileAsync(string key, string localPath, CancellationToken cancellationToken = default);

    /// <summary>Opens an object for reading (seekable where the store allows), or null when absent.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes an object; false when it was absent.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken = default);
}
