using DicomWeb.Dicom;

namespace DicomWeb.Cli;

/// <summary>The <c>dicomweb</c> command: verbs over DICOM files (and, later, over a DICOMweb server).</summary>
public static class CommandLine
{
    /// <summary>Exit code for success.</summary>
    public const int Success = 0;
    /// <summary>Exit code when the input could not be read as DICOM.</summary>
    public const int InvalidInput = 1;
    /// <summary>Exit code for a usage error.</summary>
    public const int UsageError = 2;

    private const string Usage = """
        usage: dicomweb <verb> [options] FILE
          json FILE [--no-pixel-data]   print the file's DICOM JSON (PS3.18 Annex F), binary values inline
          xml FILE [--no-pixel-data]    print the file's Native DICOM Model XML (PS3.19 Annex A)
          dump FILE                     print a listing of every element with its byte offset
        """ + "\n" + Import.ImportOptions.Usage;

    /// <summary>Runs the command; returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length >= 1 && args[0] == "import") return await Import.ImportCommand.RunAsync(args[1..], output, error);
        if (args.Length < 2 || args[0] is "-h" or "--help")
        {
            await error.WriteLineAsync(Usage);
            return args.Length == 1 && args[0] is "-h" or "--help" ? Success : UsageError;
        }
        var verb = args[0];
        var path = args[1];
        var noPixelData = args.Skip(2).Contains("--no-pixel-data");
        if (!File.Exists(path))
        {
            await error.WriteLineAsync($"dicomweb: no such file: {path}");
            return UsageError;
        }
        try
        {
            var options = new DicomReaderOptions { StopBeforePixelData = noPixelData };
            switch (verb)
            {
                case "json":
                    await WriteThroughStream(output, stream => DicomJsonWriter.WriteAsync(stream, DicomFile.Open(path, options).Dataset,
                        new DicomJsonWriterOptions { Indented = true }));
                    return Success;
                case "xml":
                    await WriteThroughStream(output, stream => DicomXmlWriter.WriteAsync(stream, DicomFile.Open(path, options).Dataset));
                    return Success;
                case "dump":
                    DatasetDump.Write(output, DicomFile.Open(path, options));
                    return Success;
                default:
                    await error.WriteLineAsync($"dicomweb: unknown verb '{verb}'\n{Usage}");
                    return UsageError;
            }
        }
        catch (DicomParseException e)
        {
            await error.WriteLineAsync($"dicomweb: {path}: {e.Message}");
            return InvalidInput;
        }
    }

    /// <summary>
    /// The serializers write UTF-8 to a stream; console output goes straight to stdout's stream,
    /// other writers (tests) get the text through a temporary buffer.
    /// </summary>
    private static async Task WriteThroughStream(TextWriter output, Func<Stream, Task> write)
    {
        if (ReferenceEquals(output, Console.Out))
        {
            await using var stdout = Console.OpenStandardOutput();
            await write(stdout);
            await stdout.WriteAsync("\n"u8.ToArray());
            return;
        }
        using var buffer = new MemoryStream();
        await write(buffer);
        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
