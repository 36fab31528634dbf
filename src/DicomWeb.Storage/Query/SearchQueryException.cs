namespace DicomWeb.Storage.Query;

/// <summary>A search request that cannot be run as given: unknown attribute, malformed value, bad paging. The message says why.</summary>
public sealed class SearchQueryException(string message) : Exception(message);
