namespace DicomWeb.Multipart;

/// <summary>
/// Thrown when a multipart body is malformed: the boundary is missing, a part is truncated
/// (the body ends before the close delimiter), a part's headers exceed a limit, and so on.
/// The message says what was wrong.
/// </summary>
public sealed class MultipartFormatException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public MultipartFormatException()
        : base("The multipart body is malformed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What was wrong with the multipart body.</param>
    public MultipartFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">What was wrong with the multipart body.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public MultipartFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
