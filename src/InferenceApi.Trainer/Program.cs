using InferenceApi.Trainer.Cli;

return TrainerApp.Run(args, Console.Out, Console.Error);
