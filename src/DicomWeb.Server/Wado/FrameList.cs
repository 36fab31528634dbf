using System.Globalization;

namespace DicomWeb.Server.Wado;

/// <summary>The frame numbers of a <c>frames/{list}</c> URL: one-based, comma separated (also %2C), in request order.</summary>
internal static class FrameList
{
    /// <summary>At most this many numbers in one request.</summary>
    public const int MaxFrames = 100_000;

    /// <summary>Parses the list; on failure <paramref name="reason"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out int[] frames, out string reason)
    {
        frames = [];
        reason = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            reason = "the frame list is empty";
            return false;
        }
        var parts = text.Replace("%2C", ",", StringComparison.OrdinalIgnoreCase).Split(',');
        if (parts.Length > MaxFrames)
        {
            reason = $"at most {MaxFrames} frames can be asked for at once";
            return false;
        }
        var list = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i].Trim();
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                reason = $"'{part}' in the frame list '{text}' is not a frame number";
                return false;
            }
            if (number == 0)
            {
                reason = "frame numbers start at 1";
                return false;
            }
            list[i] = number;
        }
        frames = list;
        return true;
    }
}
